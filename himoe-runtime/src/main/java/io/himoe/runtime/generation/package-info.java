/**
 * Token streaming from a real local generator: {@link io.himoe.runtime.generation.NgramModel} (a
 * word n-gram model with back-off, trained on a bundled text), streamed by {@link
 * io.himoe.runtime.generation.LocalGenerator} as a {@link java.util.concurrent.Flow.Publisher} with
 * demand-driven backpressure, working memory leased from the runtime's pools, the mode re-read
 * every N tokens, and cancellation that stops generation and frees its leases.
 */
@NullMarked
package io.himoe.runtime.generation;

import org.jspecify.annotations.NullMarked;
