/**
 * The YAML configuration: its schema ({@link io.himoe.server.config.HimoeConfig}) and a strict
 * loader with environment substitution and an embedded default. Null-checked like every other
 * package: a record's constructor takes null for an absent key and applies the default, so only
 * settings whose absence means something are {@code @Nullable}.
 */
@NullMarked
package io.himoe.server.config;

import org.jspecify.annotations.NullMarked;
