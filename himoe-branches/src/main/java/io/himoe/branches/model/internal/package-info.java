/** DJL tensor plumbing behind {@link io.himoe.branches.model.BranchedNetwork}; not public API. */
@NullMarked
package io.himoe.branches.model.internal;

import org.jspecify.annotations.NullMarked;
