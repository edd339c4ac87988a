/** JMH benchmarks of the engine's overhead. */
@NullMarked
package io.himoe.bench;

import org.jspecify.annotations.NullMarked;
