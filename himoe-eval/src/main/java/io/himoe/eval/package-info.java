/** Evaluation harness: measure routers on labelled data and expert choice on outcome data. */
@NullMarked
package io.himoe.eval;

import org.jspecify.annotations.NullMarked;
