/** The routing loop behind {@link io.himoe.router.Router#route}; not an API. */
package io.himoe.router.internal;
