# Chan-Zhang exact intervals of large tables, for the size limit of proportions.effect_size
# (MAX_EXACT_RD_SIZE["chan-zhang"]): the brute force of exact_rd.R (same definition, same scans),
# on tables above the old limit of 200 vs 200.
#
# Run from this directory with `Rscript exact_rd_large.R` (or `make reference`). Writes
# exact_rd_large.csv. Takes about 10 minutes on a loaded 2-core machine; agreement is below 1e-12.
options(digits = 17)
EXACT_RD_FUNCTIONS_ONLY <- TRUE
source("exact_rd.R")

tables <- rbind(
  c(150, 250, 120, 250),  # a two-arm trial of 500 patients, response 60% vs 48%
  c(9, 300, 2, 200)       # rare events in unequal arms
)
rows <- list()
for (k in seq_len(nrow(tables))) {
  t <- tables[k, ]
  r <- exact_rd(t[1], t[2], t[3], t[4], 0.95, "chan-zhang")
  rows[[k]] <- data.frame(count1 = t[1], nobs1 = t[2], count2 = t[3], nobs2 = t[4], level = 0.95,
                          method = "chan-zhang", estimate = r[1], low = r[2], high = r[3])
  cat(sprintf("%d/%d vs %d/%d: %.10f %.10f\n", t[1], t[2], t[3], t[4], r[2], r[3]))
}
out <- do.call(rbind, rows)
write.csv(out, "exact_rd_large.csv", row.names = FALSE, na = "")
cat("wrote exact_rd_large.csv", nrow(out), "rows\n")
