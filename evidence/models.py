# Evidence files and their review: built by the evidence issue.
