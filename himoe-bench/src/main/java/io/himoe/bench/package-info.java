/** JMH benchmarks of the engine's overhead. */
package io.himoe.bench;
