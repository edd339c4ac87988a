/**
 * Durable learned state: versioned, checksummed snapshots of gates and bandits, written atomically
 * (temporary file, fsync, rename).
 */
@NullMarked
package io.himoe.learning.state;

import org.jspecify.annotations.NullMarked;
