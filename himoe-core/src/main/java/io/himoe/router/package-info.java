/**
 * Routers: gate scores, the gating policy, top-k within the budget, parallel expert calls under the
 * deadline, aggregation, and the feedback that trains learning gates.
 */
@NullMarked
package io.himoe.router;

import org.jspecify.annotations.NullMarked;
