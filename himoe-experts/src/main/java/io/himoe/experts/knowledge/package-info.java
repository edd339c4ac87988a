/**
 * The {@code knowledge} expert (seed 002's KnowledgeExpert): hybrid retrieval over a folder of
 * documents with Lucene, BM25 and vector kNN fused by reciprocal rank, index persisted on disk and
 * rebuilt only when the documents change ({@link io.himoe.experts.knowledge.KnowledgeExpert}).
 */
@NullMarked
package io.himoe.experts.knowledge;

import org.jspecify.annotations.NullMarked;
