/**
 * Learning routers implementing the core {@link io.himoe.router.Router}: neural, bandit and hybrid.
 */
@NullMarked
package io.himoe.learning.router;

import org.jspecify.annotations.NullMarked;
