# Reference values for the Koopman score interval of the risk ratio (tests/test_proportions_koopman.py).
#
# Run from this directory with `Rscript koopman.R` (or `make reference`). Writes koopman.csv.
# PropCIs (riskscoreci) is not packaged for Debian, so the interval is written out here from
# Koopman (Biometrics 1984;40:513-517) in his chi-square form, which is independent of the
# package's code (the package inverts the Miettinen-Nurminen score statistic without the
# N/(N-1) factor; the two forms are algebraically equal):
#   U(theta) = (x1 - n1 p1)^2 / (n1 p1 (1 - p1)) + (x2 - n2 p2)^2 / (n2 p2 (1 - p2)),
# with p1 = theta p2 the maximum likelihood estimates under the ratio theta (closed form, the
# smaller root of a quadratic), and the interval {theta : U(theta) <= qchisq(level, 1)}.
# The bounds are found with uniroot on log(theta), tolerance 1e-14.
options(digits = 17)
set.seed(19840601)

koopman_u <- function(x1, n1, x2, n2, theta) {
  N <- n1 + n2
  b <- theta * (n1 + x2) + x1 + n2
  # Smaller root of N theta p^2 - b p + (x1 + x2) = 0, in the form without cancellation; rounding
  # near a double root can push theta * p2 just past 1, so both are kept in [0, 1].
  p2 <- min(1, 2 * (x1 + x2) / (b + sqrt(max(b^2 - 4 * theta * N * (x1 + x2), 0))))
  p1 <- min(1, theta * p2)
  term <- function(x, n, p) {
    num <- (x - n * p)^2
    den <- n * p * (1 - p)
    if (den <= 0) return(if (num == 0) 0 else Inf)
    num / den
  }
  term(x1, n1, p1) + term(x2, n2, p2)
}

koopman_ci <- function(x1, n1, x2, n2, level) {
  crit <- qchisq(level, 1)
  f <- function(lt) koopman_u(x1, n1, x2, n2, exp(lt)) - crit
  est <- (x1 / n1) / (x2 / n2)
  # U is 0 at the estimate (or at its finite boundary) and grows away from it on each side.
  centre <- if (x1 == 0 || x2 == 0) log(((x1 + 0.5) / (n1 + 0.5)) / ((x2 + 0.5) / (n2 + 0.5))) else log(est)
  lo <- if (x1 == 0) 0 else exp(uniroot(f, c(centre - 30, centre), tol = 1e-14, maxiter = 1000)$root)
  hi <- if (x2 == 0) Inf else exp(uniroot(f, c(centre, centre + 30), tol = 1e-14, maxiter = 1000)$root)
  c(est, lo, hi)
}

tables <- rbind(
  c(7, 34, 1, 34),  # Perondi et al. 2004, the worked example of Fagerland, Lydersen & Laake
  c(42, 64, 31, 42), c(20, 64, 12, 42), c(99, 168, 5, 85), c(32, 49, 26, 49), c(15, 49, 6, 49),
  c(3, 10, 0, 10), c(0, 12, 4, 9), c(7, 7, 2, 9), c(1, 1, 0, 1), c(0, 1, 1, 1), c(1, 1, 1, 1),
  c(5, 5, 5, 5), c(5, 5, 2, 5), c(3, 5, 5, 5), c(2, 3, 1, 3), c(5, 10, 5, 10), c(4, 4, 2, 2),
  c(1, 20, 1, 3), c(450, 1000, 500, 1000), c(21, 96, 10, 101), c(65, 96, 41, 101), c(6, 21, 12, 42),
  c(0, 10, 10, 10), c(10, 10, 1, 10), c(1, 10, 10, 10), c(2, 300, 1, 250)
)
random_tables <- t(replicate(40, {
  n1 <- sample(1:80, 1); n2 <- sample(1:80, 1)
  c(sample(0:n1, 1), n1, sample(1:n2, 1), n2)
}))
tables <- unique(rbind(tables, random_tables))
tables <- tables[tables[, 1] + tables[, 3] > 0, ]  # both counts 0: not estimable

rows <- list()
for (k in seq_len(nrow(tables))) {
  x1 <- tables[k, 1]; n1 <- tables[k, 2]; x2 <- tables[k, 3]; n2 <- tables[k, 4]
  for (lv in c(0.95, 0.90)) {
    r <- koopman_ci(x1, n1, x2, n2, lv)
    rows[[length(rows) + 1]] <- data.frame(count1 = x1, nobs1 = n1, count2 = x2, nobs2 = n2, level = lv,
                                           estimate = r[1], low = r[2], high = r[3])
  }
}
out <- do.call(rbind, rows)
write.csv(out, "koopman.csv", row.names = FALSE, na = "")
cat("wrote koopman.csv", nrow(out), "rows\n")
