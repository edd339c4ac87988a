package io.himoe.experts.knowledge;

/**
 * A retrieved passage with its scores.
 *
 * @param passage the passage
 * @param fused reciprocal-rank-fusion score (higher is better)
 * @param bm25 BM25 score, 0 when the lexical search did not return it
 * @param cosine cosine similarity between the query and passage vectors, in [-1, 1]
 * @param termCoverage share of the query's distinct terms found in the passage, in [0, 1]
 */
record Hit(Passage passage, double fused, double bm25, double cosine, double termCoverage) {}
