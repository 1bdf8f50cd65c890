// LinearAlgebra module — see README.md

/// A dense real matrix stored row-major: element (i, j) is `storage[i * cols + j]`.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let cols: Int
    public var storage: [Double]

    /// A matrix from row-major storage; `storage.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols, "Matrix storage size mismatch")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, storage: Array(repeating: value, count: rows * cols))
    }

    /// A matrix from an array of equally long rows.
    public init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "ragged rows")
        self.init(rows: r, cols: c, storage: rowArrays.flatMap { $0 })
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(storage[(i * cols)..<((i + 1) * cols)]) }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { self[$0, j] } }

    /// The rows as nested arrays.
    public var rowArrays: [[Double]] { (0..<rows).map { row($0) } }

    /// Aᵀ.
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    public var description: String {
        rowArrays.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n")
    }
}
