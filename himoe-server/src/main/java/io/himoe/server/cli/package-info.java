/** The {@code himoe} command line (picocli). */
@NullMarked
package io.himoe.server.cli;

import org.jspecify.annotations.NullMarked;
