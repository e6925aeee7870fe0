package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	outputs, err := os.ReadFile(outputsPath)
	if err != nil {
		return fmt.Errorf("gendemo: run it in examples/collections (go generate ./examples/collections): %w", err)
	}
	overlay, err := os.ReadFile(overlayPath)
	if err != nil {
		return fmt.Errorf("gendemo: %w", err)
	}
	data, err := Generate(outputs, overlay)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(demoPath); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.WriteFile(demoPath, data, 0o644); err != nil {
		return fmt.Errorf("gendemo: %w", err)
	}
	return nil
}
