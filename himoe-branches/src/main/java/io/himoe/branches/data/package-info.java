/** Data for continual-learning runs: datasets, MNIST IDX and CLINC150 readers, generated tasks. */
@NullMarked
package io.himoe.branches.data;

import org.jspecify.annotations.NullMarked;
