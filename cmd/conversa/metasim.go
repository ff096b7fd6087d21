package main

import (
	"context"
	"errors"
)

func runMetasim(ctx context.Context, args []string) error {
	return errors.New("metasim: not built yet")
}
