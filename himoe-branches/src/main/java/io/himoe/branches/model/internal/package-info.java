/** DJL tensor plumbing behind {@link io.himoe.branches.model.BranchedNetwork}; not public API. */
package io.himoe.branches.model.internal;
