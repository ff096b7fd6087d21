package main

import (
	"context"
	"errors"
)

func runAdmin(ctx context.Context, args []string) error {
	return errors.New("admin: not built yet")
}
