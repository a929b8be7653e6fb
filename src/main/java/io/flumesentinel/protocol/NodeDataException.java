package io.flumesentinel.protocol;

/**
 * A znode holds data that is not the JSON this protocol expects. The message says what is wrong.
 */
public final class NodeDataException extends Exception {

  public NodeDataException(String message) {
    super(message);
  }
}
