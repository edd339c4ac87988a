package io.himoe.server.http;

/**
 * A request record that checks its values once Jackson has mapped it. Checks run after the mapping
 * (not in the record's constructor) so that an unknown field or a wrong type is reported first.
 */
interface Validated {

  /**
   * @throws ApiError 400 naming the field at fault
   */
  void validate();
}
