/**
 * Learning routers implementing the core {@link io.himoe.router.Router}: neural, bandit and hybrid.
 */
package io.himoe.learning.router;
