/**
 * The engine: the single entry point ({@link io.himoe.engine.Engine}) over four parts — the request
 * pipeline (choose router, stages, synthesis), the trace builder (the {@link
 * io.himoe.engine.DecisionTrace} a caller reads), the shadow runner (sampled, CPU-bounded shadow
 * routers off the critical path, counting what it skips) and the decision store (what late feedback
 * needs, bounded in bytes) — and the events it reports ({@link io.himoe.engine.EngineEvent}).
 */
@NullMarked
package io.himoe.engine;

import org.jspecify.annotations.NullMarked;
