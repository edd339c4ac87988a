package io.himoe.server.loop;

import java.time.Instant;

/**
 * Something the shadow credit decided, for the admin view and the log.
 *
 * @param at when
 * @param kind {@code promotable} (the shadow wins significantly; promotion is off) or {@code
 *     promoted} (it now serves the primary's requests, the primary runs as its shadow)
 * @param primary the primary router
 * @param shadow the shadow router
 * @param shadowWins decisive comparisons the shadow won
 * @param primaryWins decisive comparisons the primary won
 * @param pValue the always-valid p-value then
 */
public record ShadowEvent(
    Instant at,
    String kind,
    String primary,
    String shadow,
    long shadowWins,
    long primaryWins,
    double pValue) {}
