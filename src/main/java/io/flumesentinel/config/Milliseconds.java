package io.flumesentinel.config;

/**
 * A duration under one of the keys that predate duration keys, written as a whole number of
 * milliseconds ({@code windowMs: 600000}). Still read, with a warning naming the key that replaces
 * it ({@link DurationKey}).
 */
record Milliseconds(long value) {}
