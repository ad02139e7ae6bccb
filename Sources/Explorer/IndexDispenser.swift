import Foundation

/// Hands out the indices `0, 1, 2, ...` to several threads, each once: the work queue of
/// parallel runs (subtrees, scenarios).
public final class IndexDispenser: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()

  public init() {}

  /// The next index, or `nil` once `limit` have been handed out.
  public func take(below limit: Int) -> Int? {
    lock.withLock {
      guard value < limit else { return nil }
      defer { value += 1 }
      return value
    }
  }
}
