enum _PlaceholderMSPModel {}
