import Explorer

/// A type of the language. Types are names so that domain builtins can add their own.
public struct SpecType: Hashable, Sendable, CustomStringConvertible {
  public var name: String
  public init(_ name: String) { self.name = name }

  public static let int = SpecType("int")
  public static let bool = SpecType("bool")
  public static let void = SpecType("void")
  /// A pointer to a shared cell (`u64 *sptep`, `&x`, `&a[i]`).
  public static let pointer = SpecType("pointer")
  public static let rwlock = SpecType("rwlock_t")
  public static let spinlock = SpecType("spinlock_t")
  public static let spte = SpecType("spte")
  /// An untyped parameter: checked when used, not when passed.
  public static let any = SpecType("any")

  public var description: String { name }

  var isNumeric: Bool { self == .int || self == .bool || self == .any }

  /// Whether a value of type `self` may be used where `target` is expected.
  func isAssignable(to target: SpecType) -> Bool {
    if self == target || self == .any || target == .any { return true }
    if self.isNumeric && target.isNumeric { return true }
    // SPTE values are u64 in the kernel: allow them where integers go and back.
    if (self == .spte && target == .int) || (self == .int && target == .spte) { return true }
    return false
  }
}
