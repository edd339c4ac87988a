/**
 * An orchestrator whose router choice learns (a bandit over routers) and which credits and promotes
 * shadow routers that consistently do better.
 */
@NullMarked
package io.himoe.learning.orchestrator;

import org.jspecify.annotations.NullMarked;
