/**
 * Where the server keeps what must outlive a request: the feedback log, the decisions kept for late
 * feedback and the learned state. Embedded ({@link io.himoe.server.store.FeedbackStore#open},
 * SQLite, one replica) or shared by every replica through PostgreSQL ({@link
 * io.himoe.server.store.SharedStore}, {@link io.himoe.server.store.SharedLearning}: HikariCP,
 * Flyway migrations, LISTEN/NOTIFY, a local outbox while the database is down). The feedback
 * endpoint goes through {@link io.himoe.server.store.FeedbackIntake}.
 */
@NullMarked
package io.himoe.server.store;

import org.jspecify.annotations.NullMarked;
