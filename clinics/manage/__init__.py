"""/manage/: clinic staff keep their own listings (issue 17); sign-in, the edit page, quick updates."""
