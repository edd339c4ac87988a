/**
 * The learning loop of the server: shadow routers credited from feedback (and promoted when they
 * win significantly), A/B experiments between routers with sticky assignment and a sequential test,
 * and the promotions both can make.
 */
@NullMarked
package io.himoe.server.loop;

import org.jspecify.annotations.NullMarked;
