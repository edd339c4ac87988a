/**
 * The YAML configuration: its schema ({@link io.himoe.server.config.HimoeConfig}) and a strict
 * loader with environment substitution and an embedded default.
 */
package io.himoe.server.config;
