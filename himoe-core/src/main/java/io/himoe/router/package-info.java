/**
 * Routers: gate scores, the gating policy, top-k within the budget, parallel expert calls under the
 * deadline, aggregation, and the feedback that trains learning gates.
 */
package io.himoe.router;
