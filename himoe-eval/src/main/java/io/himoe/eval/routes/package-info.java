/**
 * {@code eval routes}: fits a router's gate on labelled training rows (calibrating its out-of-scope
 * threshold on validation rows), routes every test row and scores it ({@link
 * io.himoe.eval.routes.RouteEvaluation}).
 */
@NullMarked
package io.himoe.eval.routes;

import org.jspecify.annotations.NullMarked;
