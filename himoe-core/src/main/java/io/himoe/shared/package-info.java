/** Types shared by every component: inputs, values, errors, encoders and the request context. */
package io.himoe.shared;
