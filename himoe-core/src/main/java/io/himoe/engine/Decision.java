package io.himoe.engine;

import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import java.util.List;

/** A stored decision, kept under its trace id so that late feedback can be joined to it. */
record Decision(String primaryRouter, List<RouteResult> results, List<Router> routers) {}
