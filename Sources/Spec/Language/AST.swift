/// The syntax tree of one `.ept` file, as the parser builds it and the compiler reads it.

/// A type as written: `int`, `u64 *`, `rwlock_t *`.
struct TypeRef: Sendable {
  var name: String
  var isPointer: Bool
  var location: SourceLocation
}

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

struct Stmt: Sendable {
  indirect enum Kind: Sendable {
    case block([Stmt])
    case local(type: TypeRef, name: String, initial: Expr?)
    /// `target op value` with `op` one of `=`, `+=`, `-=`, `*=`, `/=`, `%=`, `|=`, `&=`, `^=`.
    case assign(op: String, target: Expr, value: Expr)
    /// `target++` or `target--`.
    case increment(target: Expr, delta: Int64)
    case expression(Expr)
    case ifElse(condition: Expr, then: Stmt, otherwise: Stmt?)
    case whileLoop(condition: Expr, bound: Expr?, body: Stmt)
    case doWhile(body: Stmt, condition: Expr, bound: Expr?)
    case forLoop(initial: Stmt?, condition: Expr?, step: Stmt?, bound: Expr?, body: Stmt)
    case returnValue(Expr?)
    case breakLoop
    case continueLoop
    case atomic(Stmt)
    case await(Expr)
    case assert(Expr, message: String?)
    /// A statement the parser could not read; compiles to nothing.
    case invalid
  }

  var kind: Kind
  var location: SourceLocation
}

struct Parameter: Sendable {
  var type: TypeRef?
  var name: String
  var location: SourceLocation
}

/// `@kernel("arch/x86/kvm/mmu/tdp_mmu.c", "tdp_mmu_set_spte_atomic")`.
public struct KernelReference: Hashable, Sendable, Codable, CustomStringConvertible {
  public var file: String
  public var function: String
  public init(file: String, function: String) {
    self.file = file
    self.function = function
  }
  public var description: String { "\(file):\(function)" }
}

struct FunctionDecl: Sendable {
  var name: String
  var location: SourceLocation
  var returnType: TypeRef
  var parameters: [Parameter]
  var body: Stmt
  var isOverride: Bool
  var kernel: KernelReference?
  /// `@progress`: every step of the function counts as progress for livelock detection.
  var isProgress = false
}

struct SharedDecl: Sendable {
  var type: TypeRef
  var name: String
  var location: SourceLocation
  var length: Expr?
  var initial: [Expr]
}

struct ConstDecl: Sendable {
  var type: TypeRef
  var name: String
  var location: SourceLocation
  var value: Expr
}

struct ThreadDecl: Sendable {
  var name: String
  var location: SourceLocation
  var function: String
  var functionLocation: SourceLocation
  var arguments: [Argument]
}

struct ScenarioDecl: Sendable {
  var name: String
  var location: SourceLocation
  var initBlock: Stmt?
  var threads: [ThreadDecl]
  var expectation: Expectation?
  var expectationLocation: SourceLocation?
  var finallyBlock: Stmt?
}

struct SourceFile: Sendable {
  var path: String
  var text: String
  var variantOf: (path: String, location: SourceLocation)?
  var functions: [FunctionDecl] = []
  var shareds: [SharedDecl] = []
  var constants: [ConstDecl] = []
  var scenarios: [ScenarioDecl] = []
}
