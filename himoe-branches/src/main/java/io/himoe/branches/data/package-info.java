/** Data for continual-learning runs: datasets, MNIST IDX and CLINC150 readers, generated tasks. */
package io.himoe.branches.data;
