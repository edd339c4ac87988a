/**
 * Applying the runtime to the core engine: {@link io.himoe.runtime.integration.ModeCappedRouter}
 * decides the mode once per request and caps top-k by it; {@link
 * io.himoe.runtime.integration.RuntimeExpert} puts an expert behind the mode's response cache and
 * hands {@link io.himoe.runtime.integration.ModeAwareExpert}s the mode's token budget and model
 * tier.
 */
@NullMarked
package io.himoe.runtime.integration;

import org.jspecify.annotations.NullMarked;
