import InvLabCBLAS

extension Tensor {
    /// Eigenvalues (ascending) and eigenvectors (as rows of the returned `n x n` matrix, in the
    /// same order) of a symmetric `n x n` matrix, through LAPACK's `ssyevd` in OpenBLAS.
    /// Returns nil if LAPACK reports a failure (e.g. NaN input).
    public func symmetricEigen() -> (values: [Float], vectors: Tensor)? {
        precondition(rank == 2 && shape[0] == shape[1], "symmetricEigen needs a square matrix, got \(shape)")
        var n = Int32(shape[0])
        guard n > 0 else { return ([], Tensor(zeros: [0, 0])) }
        // Row-major symmetric A equals its column-major transpose, so LAPACK sees the same matrix;
        // its column-major eigenvector columns are our rows.
        var a = scalars
        var values = [Float](repeating: 0, count: Int(n))
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var lwork: Int32 = -1, liwork: Int32 = -1, info: Int32 = 0
        var workQuery: Float = 0
        var iworkQuery: Int32 = 0
        ssyevd_(&jobz, &uplo, &n, &a, &n, &values, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { return nil }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_(&jobz, &uplo, &n, &a, &n, &values, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { return nil }
        return (values, Tensor(shape: shape, scalars: a))
    }
}
