/**
 * Durable learned state: versioned, checksummed snapshots of gates and bandits, written atomically
 * (temporary file, fsync, rename).
 */
package io.himoe.learning.state;
