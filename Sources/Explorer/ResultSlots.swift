import Foundation

/// A fixed number of slots that several threads fill, read back in slot order, so that what
/// parallel work finds comes out in the same order whichever thread finished first.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private let lock = NSLock()

  public init(count: Int) { slots = Array(repeating: nil, count: count) }

  public subscript(index: Int) -> Value? {
    get { lock.withLock { slots[index] } }
    set { lock.withLock { slots[index] = newValue } }
  }

  /// The filled slots, in order.
  public var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
