package main

import (
	"context"
	"errors"
)

func runLoadgen(ctx context.Context, args []string) error {
	return errors.New("loadgen: not built yet")
}
