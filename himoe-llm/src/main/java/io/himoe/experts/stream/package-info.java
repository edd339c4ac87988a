/**
 * Streaming as a {@link java.util.concurrent.Flow.Publisher}: {@link
 * io.himoe.experts.stream.TokenPublisher} turns any core {@link io.himoe.experts.StreamingExpert}
 * into a back-pressured stream of tokens.
 */
@NullMarked
package io.himoe.experts.stream;

import org.jspecify.annotations.NullMarked;
