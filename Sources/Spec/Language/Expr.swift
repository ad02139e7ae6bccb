/// A call argument, optionally labelled (`gfn: 1`).
struct Argument: Sendable {
  var label: String?
  var value: Expr
}

struct Expr: Sendable {
  indirect enum Kind: Sendable {
    case integer(Int64)
    case boolean(Bool)
    case string(String)
    case name(String)
    /// `-`, `!`, `~`, `&` (address of), `*` (dereference).
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case ternary(Expr, Expr, Expr)
    case call(name: String, arguments: [Argument])
    case index(Expr, Expr)
  }

  var kind: Kind
  var location: SourceLocation
  /// Byte range in the source file, for printing the operation a step performs.
  var start: Int
  var end: Int
}
