/** Types shared by every component: inputs, values, errors, encoders and the request context. */
@NullMarked
package io.himoe.shared;

import org.jspecify.annotations.NullMarked;
