/**
 * Aggregation: how a router turns the answers of its picked experts into one value, weighted by the
 * gate (best score, gate-weighted, majority vote, cascade, synthesis through a router).
 */
@NullMarked
package io.himoe.router.aggregation;

import org.jspecify.annotations.NullMarked;
