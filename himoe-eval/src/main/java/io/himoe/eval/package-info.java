/** Evaluation harness: measure routers on labelled data and expert choice on outcome data. */
package io.himoe.eval;
