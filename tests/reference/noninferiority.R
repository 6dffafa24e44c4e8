# Non-inferiority tests of two proportions against a margin, from their closed forms
# (reanalysis.noninferiority; statsmodels test_proportions_2indep is what the package calls).
# Writes noninferiority.csv. Run: Rscript noninferiority.R (or `make reference`).
#
# Farrington CP, Manning G. Stat Med 1990;9:1447-54 (restricted MLE of the risk difference and the
# risk ratio); Miettinen O, Nurminen M. Stat Med 1985;4:213-26 (variance x N/(N-1));
# Agresti A, Caffo B. Am Stat 2000;54:280-8; Katz D et al. Biometrics 1978;34:469-74 (log ratio).

rd_restricted <- function(x1, n1, x2, n2, d) {
  # MLE of (p1, p2) under p1 - p2 = d (Farrington & Manning 1990, eq. for the risk difference)
  p1 <- x1 / n1; p2 <- x2 / n2; th <- n2 / n1
  a <- 1 + th
  b <- -(1 + th + p1 + th * p2 + d * (th + 2))
  c <- d^2 + d * (2 * p1 + th + 1) + p1 + th * p2
  e <- -p1 * d * (1 + d)
  v <- b^3 / (27 * a^3) - b * c / (6 * a^2) + e / (2 * a)
  u <- sign(v) * sqrt(b^2 / (9 * a^2) - c / (3 * a))
  w <- (pi + acos(v / u^3)) / 3
  r1 <- 2 * u * cos(w) - b / (3 * a)
  c(r1, r1 - d)
}

rr_restricted <- function(x1, n1, x2, n2, r) {
  # MLE of (p1, p2) under p1 / p2 = r (Farrington & Manning 1990, eq. for the relative risk)
  N <- n1 + n2
  A <- N * r
  B <- -(n1 * r + x1 + n2 + x2 * r)
  C <- x1 + x2
  r2 <- (-B - sqrt(B^2 - 4 * A * C)) / (2 * A)
  c(r * r2, r2)
}

one_sided <- function(z, margin, null) if (margin < null) pnorm(z, lower.tail = FALSE) else pnorm(z)

tests <- function(x1, n1, x2, n2, measure, margin) {
  p1 <- x1 / n1; p2 <- x2 / n2; N <- n1 + n2
  out <- list()
  if (measure == "rd") {
    r <- rd_restricted(x1, n1, x2, n2, margin)
    v <- r[1] * (1 - r[1]) / n1 + r[2] * (1 - r[2]) / n2
    out[["farrington-manning"]] <- (p1 - p2 - margin) / sqrt(v)
    out[["miettinen-nurminen"]] <- (p1 - p2 - margin) / sqrt(v * N / (N - 1))
    out[["wald"]] <- (p1 - p2 - margin) / sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    q1 <- (x1 + 1) / (n1 + 2); q2 <- (x2 + 1) / (n2 + 2)
    out[["agresti-caffo"]] <- (q1 - q2 - margin) / sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2))
    null <- 0
  } else {
    r <- rr_restricted(x1, n1, x2, n2, margin)
    v <- r[1] * (1 - r[1]) / n1 + margin^2 * r[2] * (1 - r[2]) / n2
    out[["farrington-manning"]] <- (p1 - margin * p2) / sqrt(v)
    out[["miettinen-nurminen"]] <- (p1 - margin * p2) / sqrt(v * N / (N - 1))
    out[["wald"]] <- (log(p1 / p2) - log(margin)) / sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    null <- 1
  }
  data.frame(
    x1 = x1, n1 = n1, x2 = x2, n2 = n2, measure = measure, method = names(out), margin = margin,
    statistic = unlist(out), pvalue = sapply(unlist(out), one_sided, margin = margin, null = null)
  )
}

cases <- list(
  c(50, 400, 48, 400), c(70, 205, 79, 195), c(9, 20, 12, 21), c(160, 200, 150, 190), c(33, 120, 25, 118)
)
rows <- list()
for (k in cases) {
  for (m in c(-0.10, -0.05, 0.08, 0.15)) rows[[length(rows) + 1]] <- tests(k[1], k[2], k[3], k[4], "rd", m)
  for (m in c(0.8, 0.9, 1.25, 1.5)) rows[[length(rows) + 1]] <- tests(k[1], k[2], k[3], k[4], "rr", m)
}
res <- do.call(rbind, rows)
write.csv(res, "noninferiority.csv", row.names = FALSE)
cat(sprintf("wrote %d rows\n", nrow(res)))
