/**
 * Conversation sessions: which expert answered a conversation's previous turn, so that the next
 * turn can stay with it (sticky) or only move up in cost (escalate-only). Sessions sit behind
 * {@link io.himoe.server.sessions.SessionStore}: in memory (Caffeine, bounded, one node) by
 * default; a shared implementation keeps them across replicas.
 */
@NullMarked
package io.himoe.server.sessions;

import org.jspecify.annotations.NullMarked;
