/** Durable storage of feedback (embedded SQLite). */
package io.himoe.server.store;
